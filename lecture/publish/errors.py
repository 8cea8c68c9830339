"""The one error type publishing reports to the user."""


class PublishError(Exception):
    """A problem the user can fix, said in one line (the message)."""
