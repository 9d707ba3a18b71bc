import sys

import greeting

print(greeting.hello(), "in", sys.prefix)
