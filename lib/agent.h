/* agent.h: placeholder until written. */
#ifndef PL_AGENT_H
#define PL_AGENT_H
extern int pl_agent_placeholder;
#endif
