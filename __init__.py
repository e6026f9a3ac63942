"""deskline: a keyboard-first helpdesk that lives in the terminal.

The one import name of the distribution: ``deskline.core`` (the desk's rules and use cases),
``deskline.storage`` (the store), ``deskline.tui`` (the app and the command line) and
``deskline.themes``. Importing this package loads nothing else.
"""

__version__ = "0.1.0"
