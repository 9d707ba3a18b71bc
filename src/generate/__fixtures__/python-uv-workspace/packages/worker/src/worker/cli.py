from greeting import greet


def main() -> int:
    print(greet("worker"))
    return 0
