print("needlectl")
