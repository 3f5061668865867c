print("needled")
