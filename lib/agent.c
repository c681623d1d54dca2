/* agent.c: placeholder until written. */
/* SPDX-License-Identifier: MIT */
#include "agent.h"
