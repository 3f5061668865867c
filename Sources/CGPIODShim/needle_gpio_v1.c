/*
 * needle_gpio.h over libgpiod 1.6 (the v1 character-device uAPI; needs the kernel's
 * GPIO_CDEV_V1). In 1.6 lines belong to their chip object: a chip must outlive its lines,
 * which NeedleLinux guarantees by having each line hold its chip.
 */
#include "needle_gpio_version.h"
#if NEEDLE_GPIOD_API == 1

#include "needle_gpio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

struct needle_gpio_chip {
    struct gpiod_chip *chip;
};

struct needle_gpio_line {
    struct gpiod_line *line;
    /* The edge-event descriptor (non-blocking), or -1 for lines without edge events. */
    int event_fd;
};

int needle_gpio_api_version(void) { return 1; }
const char *needle_gpio_library_version(void) { return gpiod_version_string(); }

needle_gpio_chip *needle_gpio_chip_open(const char *path) {
    struct gpiod_chip *c = gpiod_chip_open(path);
    if (!c) return NULL;
    needle_gpio_chip *chip = malloc(sizeof(*chip));
    if (!chip) {
        gpiod_chip_close(c);
        errno = ENOMEM;
        return NULL;
    }
    chip->chip = c;
    return chip;
}

void needle_gpio_chip_close(needle_gpio_chip *chip) {
    if (!chip) return;
    gpiod_chip_close(chip->chip);
    free(chip);
}

const char *needle_gpio_chip_name(needle_gpio_chip *chip) { return gpiod_chip_name(chip->chip); }
const char *needle_gpio_chip_label(needle_gpio_chip *chip) { return gpiod_chip_label(chip->chip); }
unsigned int needle_gpio_chip_num_lines(needle_gpio_chip *chip) {
    return gpiod_chip_num_lines(chip->chip);
}

int needle_gpio_chip_find_line(needle_gpio_chip *chip, const char *name) {
    struct gpiod_line *line = gpiod_chip_find_line(chip->chip, name);
    if (!line) {
        if (errno == 0) errno = ENOENT;
        return -1;
    }
    return (int)gpiod_line_offset(line);
}

static int request_flags(bool active_low, needle_gpio_bias bias) {
    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (bias) {
    case NEEDLE_GPIO_BIAS_DISABLED: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case NEEDLE_GPIO_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case NEEDLE_GPIO_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    case NEEDLE_GPIO_BIAS_AS_IS: break;
    }
    return flags;
}

static needle_gpio_line *wrap(struct gpiod_line *line, int event_fd) {
    needle_gpio_line *l = malloc(sizeof(*l));
    if (!l) {
        gpiod_line_release(line);
        errno = ENOMEM;
        return NULL;
    }
    l->line = line;
    l->event_fd = event_fd;
    return l;
}

needle_gpio_line *needle_gpio_request_output(needle_gpio_chip *chip, unsigned int offset,
                                             const char *consumer, bool active_low,
                                             needle_gpio_bias bias, bool initial_active) {
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (!line) return NULL;
    /* The kernel applies the default value with the direction change, logically (active
     * low included): the line is never driven active, not even for an instant. */
    if (gpiod_line_request_output_flags(line, consumer, request_flags(active_low, bias),
                                        initial_active ? 1 : 0) < 0)
        return NULL;
    return wrap(line, -1);
}

/* The v1 uAPI has no debounce: libgpiod 1.6 cannot ask for one, so debounce_us is ignored
 * and the software debounce in the core is the only one. Said by
 * needle_gpio_debounce_supported(), which NeedleLinux reports at start-up. */
bool needle_gpio_debounce_supported(void) { return false; }

needle_gpio_line *needle_gpio_request_input(needle_gpio_chip *chip, unsigned int offset,
                                            const char *consumer, bool active_low,
                                            needle_gpio_bias bias, needle_gpio_edge edges,
                                            unsigned int debounce_us) {
    (void)debounce_us;
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (!line) return NULL;
    int flags = request_flags(active_low, bias);
    int rc;
    switch (edges) {
    case NEEDLE_GPIO_EDGE_RISING: rc = gpiod_line_request_rising_edge_events_flags(line, consumer, flags); break;
    case NEEDLE_GPIO_EDGE_FALLING: rc = gpiod_line_request_falling_edge_events_flags(line, consumer, flags); break;
    case NEEDLE_GPIO_EDGE_BOTH: rc = gpiod_line_request_both_edges_events_flags(line, consumer, flags); break;
    default: rc = gpiod_line_request_input_flags(line, consumer, flags); break;
    }
    if (rc < 0) return NULL;
    int fd = -1;
    if (edges != NEEDLE_GPIO_EDGE_NONE) {
        fd = gpiod_line_event_get_fd(line);
        int fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
            int saved = errno;
            gpiod_line_release(line);
            errno = saved;
            return NULL;
        }
    }
    return wrap(line, fd);
}

void needle_gpio_line_release(needle_gpio_line *line) {
    if (!line) return;
    gpiod_line_release(line->line);
    free(line);
}

int needle_gpio_line_set(needle_gpio_line *line, bool active) {
    return gpiod_line_set_value(line->line, active ? 1 : 0);
}

int needle_gpio_line_get(needle_gpio_line *line) { return gpiod_line_get_value(line->line); }

int needle_gpio_line_read_edge(needle_gpio_line *line, uint64_t *timestamp_ns,
                               bool *became_active) {
    if (line->event_fd < 0) {
        errno = EINVAL;
        return -1;
    }
    struct gpiod_line_event ev;
    /* Reads one event from the non-blocking descriptor: EAGAIN means the queue is empty. */
    if (gpiod_line_event_read_fd(line->event_fd, &ev) < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    /* Since Linux 5.7 v1 event timestamps are CLOCK_MONOTONIC, and the edge type is the
     * logical one (the kernel swaps edges for active-low lines). */
    *timestamp_ns = (uint64_t)ev.ts.tv_sec * 1000000000ull + (uint64_t)ev.ts.tv_nsec;
    *became_active = ev.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    return 1;
}

#endif /* NEEDLE_GPIOD_API == 1 */
