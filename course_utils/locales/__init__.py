"""The package's texts for students in other languages than English (``course_utils.language``)."""

__all__: list[str] = []
