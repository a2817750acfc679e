from django.urls import path

from . import views

app_name = "contest"

urlpatterns = [
    path("contest/withdraw/<str:token>/", views.withdraw, name="withdraw"),
]
