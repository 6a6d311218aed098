"""Orders API handlers (a sample file for persona tests)."""

import json


def create_order(db, payload):
    data = json.loads(payload)
    order_id = db.insert("orders", data)
    return {"id": order_id}


class OrderService:
    def __init__(self, db):
        self.db = db

    def cancel(self, order_id):
        order = self.db.get("orders", order_id)
        order["status"] = "cancelled"
        self.db.save("orders", order)
        return order
