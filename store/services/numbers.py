def order_number(pk: int) -> str:
    return f"SB-O{pk:06d}"
