/* contact.h: placeholder until written. */
#ifndef PL_CONTACT_H
#define PL_CONTACT_H
extern int pl_contact_placeholder;
#endif
