from kotopolku.access.matrix import staff_page

STATISTICS = {"admin", "coordinator", "caseworker", "viewer"}
COMPUTE = {"coordinator"}

URL_ACCESS = {
    "statistics:dashboard": staff_page(STATISTICS),
    "statistics:overview": staff_page(STATISTICS),
    "statistics:export": staff_page(
        STATISTICS, kwargs=lambda: {"table": "new_clients", "fmt": "csv"}
    ),
    "statistics:document": staff_page(STATISTICS, kwargs=lambda: {"fmt": "html"}),
    "statistics:monitoring": staff_page(COMPUTE),
    "statistics:monitoring_compute": staff_page(COMPUTE),
}
