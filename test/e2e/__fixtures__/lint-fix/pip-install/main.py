import sys
print(f"hello from python {sys.version_info.major}")
