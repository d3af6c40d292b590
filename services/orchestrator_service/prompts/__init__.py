"""The context window: default instructions and the compiler that renders memory into it."""
