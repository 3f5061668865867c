/*
 * needle_gpio.h over libgpiod 2.x (the v2 character-device uAPI). Against Debian 12's
 * libgpiod 1.6 this whole file is empty. Built against Debian 13's own libgpiod 2.2 and run
 * through the GPIO test suites by CI stage 35-trixie (in a trixie root). Proven on kernel
 * lines against a libgpiod 2.x in the VM rig:
 * `VM_RIG_GPIOD=2 hardware/vm-rig/run-probe` builds it with a static libgpiod 2.x
 * (hardware/vm-rig/build-libgpiod2) and runs the same probe as for 1.6.
 */
#include "needle_gpio_version.h"
#if NEEDLE_GPIOD_API == 2

#include "needle_gpio.h"

#include <errno.h>
#include <stdlib.h>

struct needle_gpio_chip {
    struct gpiod_chip *chip;
    struct gpiod_chip_info *info;
};

struct needle_gpio_line {
    struct gpiod_line_request *request;
    unsigned int offset;
    /* Preallocated so that reading an event does not allocate; NULL without edge events. */
    struct gpiod_edge_event_buffer *events;
};

int needle_gpio_api_version(void) { return 2; }
const char *needle_gpio_library_version(void) { return gpiod_api_version(); }

needle_gpio_chip *needle_gpio_chip_open(const char *path) {
    struct gpiod_chip *c = gpiod_chip_open(path);
    if (!c) return NULL;
    struct gpiod_chip_info *info = gpiod_chip_get_info(c);
    needle_gpio_chip *chip = info ? malloc(sizeof(*chip)) : NULL;
    if (!chip) {
        int saved = info ? ENOMEM : errno;
        if (info) gpiod_chip_info_free(info);
        gpiod_chip_close(c);
        errno = saved;
        return NULL;
    }
    chip->chip = c;
    chip->info = info;
    return chip;
}

void needle_gpio_chip_close(needle_gpio_chip *chip) {
    if (!chip) return;
    gpiod_chip_info_free(chip->info);
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *needle_gpio_chip_name(needle_gpio_chip *chip) { return gpiod_chip_info_get_name(chip->info); }
const char *needle_gpio_chip_label(needle_gpio_chip *chip) { return gpiod_chip_info_get_label(chip->info); }
unsigned int needle_gpio_chip_num_lines(needle_gpio_chip *chip) {
    return (unsigned int)gpiod_chip_info_get_num_lines(chip->info);
}

int needle_gpio_chip_find_line(needle_gpio_chip *chip, const char *name) {
    return gpiod_chip_get_line_offset_from_name(chip->chip, name);
}

static enum gpiod_line_bias to_bias(needle_gpio_bias bias) {
    switch (bias) {
    case NEEDLE_GPIO_BIAS_DISABLED: return GPIOD_LINE_BIAS_DISABLED;
    case NEEDLE_GPIO_BIAS_PULL_UP: return GPIOD_LINE_BIAS_PULL_UP;
    case NEEDLE_GPIO_BIAS_PULL_DOWN: return GPIOD_LINE_BIAS_PULL_DOWN;
    default: return GPIOD_LINE_BIAS_AS_IS;
    }
}

static enum gpiod_line_edge to_edge(needle_gpio_edge edge) {
    switch (edge) {
    case NEEDLE_GPIO_EDGE_RISING: return GPIOD_LINE_EDGE_RISING;
    case NEEDLE_GPIO_EDGE_FALLING: return GPIOD_LINE_EDGE_FALLING;
    case NEEDLE_GPIO_EDGE_BOTH: return GPIOD_LINE_EDGE_BOTH;
    default: return GPIOD_LINE_EDGE_NONE;
    }
}

static needle_gpio_line *request(needle_gpio_chip *chip, unsigned int offset, const char *consumer,
                                 struct gpiod_line_settings *settings, bool with_events) {
    needle_gpio_line *l = NULL;
    struct gpiod_line_config *lcfg = gpiod_line_config_new();
    struct gpiod_request_config *rcfg = gpiod_request_config_new();
    int saved = ENOMEM;
    if (!lcfg || !rcfg) goto out;
    if (gpiod_line_config_add_line_settings(lcfg, &offset, 1, settings) < 0) { saved = errno; goto out; }
    gpiod_request_config_set_consumer(rcfg, consumer);
    l = calloc(1, sizeof(*l));
    if (!l) goto out;
    l->offset = offset;
    if (with_events && !(l->events = gpiod_edge_event_buffer_new(1))) goto fail;
    l->request = gpiod_chip_request_lines(chip->chip, rcfg, lcfg);
    if (!l->request) { saved = errno; goto fail; }
    goto out;
fail:
    if (l->events) gpiod_edge_event_buffer_free(l->events);
    free(l);
    l = NULL;
out:
    if (lcfg) gpiod_line_config_free(lcfg);
    if (rcfg) gpiod_request_config_free(rcfg);
    gpiod_line_settings_free(settings);
    if (!l) errno = saved;
    return l;
}

static struct gpiod_line_settings *settings_for(bool active_low, needle_gpio_bias bias) {
    struct gpiod_line_settings *s = gpiod_line_settings_new();
    if (!s) return NULL;
    gpiod_line_settings_set_active_low(s, active_low);
    gpiod_line_settings_set_bias(s, to_bias(bias));
    return s;
}

needle_gpio_line *needle_gpio_request_output(needle_gpio_chip *chip, unsigned int offset,
                                             const char *consumer, bool active_low,
                                             needle_gpio_bias bias, bool initial_active) {
    struct gpiod_line_settings *s = settings_for(active_low, bias);
    if (!s) { errno = ENOMEM; return NULL; }
    gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_OUTPUT);
    gpiod_line_settings_set_output_value(s, initial_active ? GPIOD_LINE_VALUE_ACTIVE
                                                           : GPIOD_LINE_VALUE_INACTIVE);
    return request(chip, offset, consumer, s, false);
}

bool needle_gpio_debounce_supported(void) { return true; }

needle_gpio_line *needle_gpio_request_input(needle_gpio_chip *chip, unsigned int offset,
                                            const char *consumer, bool active_low,
                                            needle_gpio_bias bias, needle_gpio_edge edges,
                                            unsigned int debounce_us) {
    struct gpiod_line_settings *s = settings_for(active_low, bias);
    if (!s) { errno = ENOMEM; return NULL; }
    gpiod_line_settings_set_direction(s, GPIOD_LINE_DIRECTION_INPUT);
    gpiod_line_settings_set_edge_detection(s, to_edge(edges));
    /* The kernel debounces in hardware where the chip can, else in gpiolib-cdev (since
     * Linux 5.10); both delay an edge by the period and drop shorter pulses. */
    if (debounce_us > 0)
        gpiod_line_settings_set_debounce_period_us(s, debounce_us);
    gpiod_line_settings_set_event_clock(s, GPIOD_LINE_CLOCK_MONOTONIC);
    return request(chip, offset, consumer, s, edges != NEEDLE_GPIO_EDGE_NONE);
}

void needle_gpio_line_release(needle_gpio_line *line) {
    if (!line) return;
    gpiod_line_request_release(line->request);
    if (line->events) gpiod_edge_event_buffer_free(line->events);
    free(line);
}

int needle_gpio_line_set(needle_gpio_line *line, bool active) {
    return gpiod_line_request_set_value(line->request, line->offset,
                                        active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
}

int needle_gpio_line_get(needle_gpio_line *line) {
    enum gpiod_line_value v = gpiod_line_request_get_value(line->request, line->offset);
    return v == GPIOD_LINE_VALUE_ERROR ? -1 : (v == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0);
}

int needle_gpio_line_read_edge(needle_gpio_line *line, uint64_t *timestamp_ns,
                               bool *became_active) {
    if (!line->events) {
        errno = EINVAL;
        return -1;
    }
    /* A zero timeout makes this a poll: it never blocks the control loop. */
    int ready = gpiod_line_request_wait_edge_events(line->request, 0);
    if (ready <= 0) return ready;
    if (gpiod_line_request_read_edge_events(line->request, line->events, 1) < 0) return -1;
    struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(line->events, 0);
    *timestamp_ns = gpiod_edge_event_get_timestamp_ns(ev);
    *became_active = gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE;
    return 1;
}

#endif /* NEEDLE_GPIOD_API == 2 */
