/* admin.c: placeholder until written. */
/* SPDX-License-Identifier: MIT */
#include "admin.h"
