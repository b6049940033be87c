"""pressroom's tooling: the `pressroom` command, the local stack, operator commands.

Never shipped to Lambda: the functions import only the runtime package, `pressroom`.
"""
