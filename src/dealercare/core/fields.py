from django.db import models

from dealercare.core import crypto


class EncryptedTextField(models.TextField):
    """A text column that holds only ciphertext in the database; Python sees plaintext.

    It cannot be searched; pair it with a blind-index column where exact search is needed.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
