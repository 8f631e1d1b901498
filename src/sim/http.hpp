#pragma once
// cpp-httplib, included as a system header so its own warnings do not fail our strict build.
#pragma GCC system_header

#include <httplib.h>
