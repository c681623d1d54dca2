/* dept.c: placeholder until written. */
/* SPDX-License-Identifier: MIT */
#include "dept.h"
