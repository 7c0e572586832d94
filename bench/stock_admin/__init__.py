"""A stock Django admin changelist of the Customer model, served beside the
product by the comparison bench (bench/compare.py) and nowhere else."""
