/*
 * Which libgpiod API <gpiod.h> declares. Neither version defines a version macro, but only
 * 1.x has line bulks (GPIOD_LINE_BULK_MAX_LINES); 2.x removed them. Override with
 * -DNEEDLE_GPIOD_API=1 or =2 if a distribution's header ever defeats this test.
 */
#ifndef NEEDLE_GPIO_VERSION_H
#define NEEDLE_GPIO_VERSION_H
#include <gpiod.h>
#ifndef NEEDLE_GPIOD_API
#ifdef GPIOD_LINE_BULK_MAX_LINES
#define NEEDLE_GPIOD_API 1
#else
#define NEEDLE_GPIOD_API 2
#endif
#endif
#endif
