"""The complaints desk's pages."""
