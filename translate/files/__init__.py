"""File-system work: reading regular files, atomic writes, output names, walking folders.

The rules of ownership (which outputs are the tool's own) are ``translate.cache.outputs``.
"""
