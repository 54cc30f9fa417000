"""Where codes come from besides our pool: the supplier interface (base.Supplier) and the
generic HTTP adapter (http.HttpSupplier, configured by STORE_SUPPLIER_URL/KEY)."""
