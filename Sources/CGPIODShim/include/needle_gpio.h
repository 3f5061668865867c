#ifndef NEEDLE_GPIO_H
#define NEEDLE_GPIO_H
/*
 * A small, version-neutral GPIO API for NeedleLinux. It hides which libgpiod it is built
 * against: needle_gpio_v1.c implements it over libgpiod 1.6 (Debian 12, Raspberry Pi OS
 * bookworm), needle_gpio_v2.c over libgpiod 2.x. Each file compiles to nothing unless the
 * header it finds is its version, so moving to v2 changes no Swift code.
 *
 * Conventions: functions returning a pointer return NULL and set errno on failure;
 * functions returning int return -1 and set errno on failure. Values are logical (active
 * low is applied by the kernel for lines requested with active_low).
 * Per-call functions (set, get, read_edge) do not allocate.
 */
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct needle_gpio_chip needle_gpio_chip;
typedef struct needle_gpio_line needle_gpio_line;

typedef enum {
    NEEDLE_GPIO_BIAS_AS_IS = 0,
    NEEDLE_GPIO_BIAS_DISABLED = 1,
    NEEDLE_GPIO_BIAS_PULL_UP = 2,
    NEEDLE_GPIO_BIAS_PULL_DOWN = 3,
} needle_gpio_bias;

typedef enum {
    NEEDLE_GPIO_EDGE_NONE = 0,
    NEEDLE_GPIO_EDGE_RISING = 1,
    NEEDLE_GPIO_EDGE_FALLING = 2,
    NEEDLE_GPIO_EDGE_BOTH = 3,
} needle_gpio_edge;

/// The libgpiod API this shim was built against (1 or 2), for diagnostics.
int needle_gpio_api_version(void);
/// The version of the libgpiod linked at run time ("1.6.3", "2.2.1"), for diagnostics and
/// for the test that the library a release ships is the API the shim was built for.
const char *needle_gpio_library_version(void);

needle_gpio_chip *needle_gpio_chip_open(const char *path);
void needle_gpio_chip_close(needle_gpio_chip *chip);
/// Kernel name ("gpiochip0") and label ("pinctrl-bcm2711", "gpio-sim.0-node0").
const char *needle_gpio_chip_name(needle_gpio_chip *chip);
const char *needle_gpio_chip_label(needle_gpio_chip *chip);
unsigned int needle_gpio_chip_num_lines(needle_gpio_chip *chip);
/// Offset of the line named `name` (gpio-line-names), or -1 with errno ENOENT.
int needle_gpio_chip_find_line(needle_gpio_chip *chip, const char *name);

/// Requests `offset` as an output driven to `initial_active` from the first instant.
needle_gpio_line *needle_gpio_request_output(needle_gpio_chip *chip, unsigned int offset,
                                             const char *consumer, bool active_low,
                                             needle_gpio_bias bias, bool initial_active);
/// Requests `offset` as an input, with edge events when `edges` is not NONE. The event
/// descriptor is made non-blocking so needle_gpio_line_read_edge never waits.
/// `debounce_us` (0: none) asks the kernel to report a level, and its edges, only once the
/// line has been stable that long; only the v2 uAPI has it (see
/// needle_gpio_debounce_supported): over libgpiod 1.6 it is ignored.
needle_gpio_line *needle_gpio_request_input(needle_gpio_chip *chip, unsigned int offset,
                                            const char *consumer, bool active_low,
                                            needle_gpio_bias bias, needle_gpio_edge edges,
                                            unsigned int debounce_us);
/// Whether needle_gpio_request_input honours `debounce_us` (libgpiod 2.x: true; 1.6: false).
bool needle_gpio_debounce_supported(void);
/// Releases the line. An upstream kernel then returns it to an input and its pull wins; a
/// Raspberry Pi kernel keeps an output driven unless dtparam=strict_gpiod is set.
void needle_gpio_line_release(needle_gpio_line *line);

int needle_gpio_line_set(needle_gpio_line *line, bool active);
/// 1 active, 0 inactive, -1 error.
int needle_gpio_line_get(needle_gpio_line *line);
/// 1 with an event stored, 0 when none is pending, -1 on error (EINVAL: no edges requested).
/// `timestamp_ns` is CLOCK_MONOTONIC; `became_active` is the logical edge direction.
int needle_gpio_line_read_edge(needle_gpio_line *line, uint64_t *timestamp_ns,
                               bool *became_active);

#ifdef __cplusplus
}
#endif
#endif
