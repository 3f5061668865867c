import Testing

@testable import NeedleLinux

@Suite("GPIO shim: kernel debounce support")
struct GPIODebounceSupportTests {
    @Test("kernel debounce is reported supported exactly when the shim is built on libgpiod 2.x")
    func debounceFollowsAPIVersion() {
        #expect(GPIOShimInfo.supportsKernelDebounce == (GPIOShimInfo.apiVersion == 2))
    }
}
