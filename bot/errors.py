"""The first tier of errors: a problem the person can fix, said to them as is."""


class UserError(Exception):
    """Raised by a flow; its message becomes the reply and the transaction rolls back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
