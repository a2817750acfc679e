from .contest import AgeGroup, Category, ConsentNotice, ContestPage, Criterion, Grade
from .entry import Entry, private_storage
from .judging import Score

__all__ = [
    "AgeGroup",
    "Category",
    "ConsentNotice",
    "ContestPage",
    "Criterion",
    "Entry",
    "Grade",
    "Score",
    "private_storage",
]
