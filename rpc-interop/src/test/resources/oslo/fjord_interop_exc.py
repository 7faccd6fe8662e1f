"""A service's own exception module, as nova.exception is for nova.

oslo serializes an exception's ``kwargs`` attribute and re-creates the class as
``cls(*args, **kwargs)`` on a client that lists this module in ``allowed_remote_exmods``.
A Fjord server sends this identity by implementing io.fjord.rpc.RemoteIdentity.
"""


class InteropError(Exception):
    def __init__(self, message="interop failure", code=None):
        super().__init__(message)
        self.code = code
        self.kwargs = {"code": code}
