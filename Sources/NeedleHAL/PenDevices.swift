/// Every device of the pen, as the control loop sees them. A backend (the simulator, the
/// Linux GPIO/I2C/PWM backends) builds one; the loop never knows which.
public struct PenDevices: Sendable {
    /// DRV8833 nSLEEP: motor driver enabled. Requested inactive, hardware pull-down.
    public var motorEnable: any DigitalOutput
    /// DRV8833 AIN2: active brakes the motor (with AIN1 high), inactive drives.
    public var brake: any DigitalOutput
    /// Toggled every tick into the retriggerable monostable that gates motor power.
    public var heartbeat: any DigitalOutput
    public var statusLED: any DigitalOutput
    public var faultLED: any DigitalOutput
    /// DRV8833 AIN1.
    public var motorPWM: any PWMChannel
    public var depthSensor: any DepthSensor
    /// DRV8833 nFAULT: active while the driver reports a fault.
    public var driverFault: any DigitalInput
    /// Hall sensor on the cam: one activation per stroke (edge events required).
    public var tach: any DigitalInput
    public var trigger: any DigitalInput
    /// Active while the e-stop loop is open (stop requested).
    public var estop: any DigitalInput
    /// Active while a cartridge is seated.
    public var cartridgePresent: any DigitalInput

    public init(
        motorEnable: any DigitalOutput, brake: any DigitalOutput, heartbeat: any DigitalOutput,
        statusLED: any DigitalOutput, faultLED: any DigitalOutput, motorPWM: any PWMChannel,
        depthSensor: any DepthSensor, driverFault: any DigitalInput, tach: any DigitalInput,
        trigger: any DigitalInput, estop: any DigitalInput, cartridgePresent: any DigitalInput
    ) {
        self.motorEnable = motorEnable
        self.brake = brake
        self.heartbeat = heartbeat
        self.statusLED = statusLED
        self.faultLED = faultLED
        self.motorPWM = motorPWM
        self.depthSensor = depthSensor
        self.driverFault = driverFault
        self.tach = tach
        self.trigger = trigger
        self.estop = estop
        self.cartridgePresent = cartridgePresent
    }
}
