"""django-cors-headers configured in Django settings modules."""
