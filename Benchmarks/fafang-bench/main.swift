print("fafang-bench: not written yet")
