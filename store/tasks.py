"""Store tasks: thin wrappers over the services (each beat job is also a command)."""

from celery import shared_task


@shared_task
def fulfil_order(order_id: int):
    """Queued when an order is paid; the beat job below catches any it missed."""
    from .services.fulfilment import order_fulfil

    return {"outcome": order_fulfil(order_id)}


@shared_task
def fulfil_paid_orders():
    from .services.fulfilment import fulfil_paid_orders as run

    return {"fulfilled": run()}


@shared_task
def release_expired_orders():
    from .services.order_release import release_expired_orders as run

    return {"released": run()}


@shared_task
def send_gateway_refund(refund_id: int):
    from .services.refunds_gateway import gateway_refund_send

    return {"outcome": gateway_refund_send(refund_id)}


@shared_task
def confirm_store_cashback():
    from .services.cashback import confirm_store_cashback as run

    return {"confirmed": run()}


@shared_task
def reconcile_payments():
    from .services.reconcile import reconcile_payments as run

    return run()
