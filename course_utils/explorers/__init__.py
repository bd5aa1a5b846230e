"""The course's explorers: drawn in the browser from a scene computed in Python (see ``_widget``)."""
