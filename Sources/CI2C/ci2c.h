#ifndef NEEDLE_CI2C_H
#define NEEDLE_CI2C_H
#include <i2c/smbus.h>
#include <linux/i2c-dev.h>
#include <sys/ioctl.h>

/// Selects the 7-bit device address for later transfers on `fd`. ioctl() is variadic and
/// I2C_SLAVE a macro, so a typed wrapper keeps Swift off C varargs. Returns 0 or -1/errno.
static inline int needle_i2c_set_address(int fd, unsigned char address) {
    return ioctl(fd, I2C_SLAVE, (unsigned long)address);
}

/// An i2c-dev ioctl that takes a plain number (I2C_TIMEOUT, I2C_RETRIES), typed for the
/// same reason. Returns 0 or -1/errno.
static inline int needle_i2c_control(int fd, unsigned long request, unsigned long value) {
    return ioctl(fd, request, value);
}

/// Reads the adapter's functionality mask (I2C_FUNCS) into `*functions`; ioctl() takes a
/// pointer here, so a typed wrapper again. Returns 0 or -1/errno.
static inline int needle_i2c_functions(int fd, unsigned long *functions) {
    return ioctl(fd, I2C_FUNCS, functions);
}
#endif
