"""The exceptions qmlir raises.

Part of qmlir. Every error of the package is a QmlirError; argument mistakes
in a model call (wrong count, dtype or shape of an input) are Python's own
TypeError and ValueError instead, as for any function call.
"""


class QmlirError(Exception):
    """Base class of qmlir's errors."""


class CompileError(QmlirError):
    """qcompile failed, or could not be found.

    `diagnostics` is qcompile's own report (its standard error), `command`
    the command line that ran (None when qcompile was not found) and
    `returncode` its exit status.
    """

    def __init__(self, message, diagnostics="", command=None, returncode=None):
        super().__init__(message)
        self.diagnostics = diagnostics
        self.command = command
        self.returncode = returncode


class LoadError(QmlirError):
    """A compiled model cannot be loaded: a missing or invalid manifest, a
    library that does not match it, or one built for another machine."""


class RunError(QmlirError):
    """A compiled model returned a non-zero status (docs/abi.md).

    `status` is the code, `code_name` its macro in the generated header.
    """

    def __init__(self, message, status, code_name):
        super().__init__(message)
        self.status = status
        self.code_name = code_name
