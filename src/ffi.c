/* SPDX-License-Identifier: MIT */
/*
 * liburing-ffi: the same library with every inline helper of liburing.h
 * compiled as an exported function, for languages that cannot use C
 * inline functions.  liburing-ffi.map gives them their version nodes.
 */
#define IOURINGINLINE
#include "lib.h"
