#ifndef NEEDLE_CMD_H
#define NEEDLE_CMD_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sha2.h>
#endif
