/* contact.c: placeholder until written. */
/* SPDX-License-Identifier: MIT */
#include "contact.h"
