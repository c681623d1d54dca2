/* admin.h: placeholder until written. */
#ifndef PL_ADMIN_H
#define PL_ADMIN_H
extern int pl_admin_placeholder;
#endif
