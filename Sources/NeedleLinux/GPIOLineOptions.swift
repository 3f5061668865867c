import CGPIODShim

/// The line's bias as requested from the kernel. The pen relies on hardware pulls (the
/// enable line's pull-down must win when the daemon dies), so the default leaves the
/// line's configured bias alone.
public enum GPIOBias: Sendable, Equatable {
    case asIs, disabled, pullUp, pullDown

    var shim: needle_gpio_bias {
        switch self {
        case .asIs: return NEEDLE_GPIO_BIAS_AS_IS
        case .disabled: return NEEDLE_GPIO_BIAS_DISABLED
        case .pullUp: return NEEDLE_GPIO_BIAS_PULL_UP
        case .pullDown: return NEEDLE_GPIO_BIAS_PULL_DOWN
        }
    }
}

/// Which logical edges of an input produce events (rising = became active).
public enum GPIOEdges: Sendable, Equatable {
    case none, rising, falling, both

    var shim: needle_gpio_edge {
        switch self {
        case .none: return NEEDLE_GPIO_EDGE_NONE
        case .rising: return NEEDLE_GPIO_EDGE_RISING
        case .falling: return NEEDLE_GPIO_EDGE_FALLING
        case .both: return NEEDLE_GPIO_EDGE_BOTH
        }
    }
}
