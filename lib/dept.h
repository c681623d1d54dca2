/* dept.h: placeholder until written. */
#ifndef PL_DEPT_H
#define PL_DEPT_H
extern int pl_dept_placeholder;
#endif
