"""Page forms of the workshop: they parse what the browser sent; the services check every rule."""
