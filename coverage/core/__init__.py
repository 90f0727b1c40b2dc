"""The ground floor: data model, errors, opening hours, validation, strings, threads."""
