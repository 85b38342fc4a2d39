"""Page forms, one module per part of the workshop's day."""
