"""Exit statuses shared by every command."""

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran; something it checked failed (an invalid post, --strict)
EXIT_USAGE = 2  # the command could not run as asked (bad arguments, missing files)
