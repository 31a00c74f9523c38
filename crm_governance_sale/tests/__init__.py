from . import test_grading_sale
