"""Model files and their manifest (``manifest.yaml``): data only, no code.

A package so that the manifest (and any model certcheck trains itself) is
installed with the project, also outside an editable checkout.
"""
