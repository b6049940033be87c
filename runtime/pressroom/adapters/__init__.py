"""The ports (pressroom.ports) over AWS: small classes that take their boto3 client and turn AWS's
errors into the domain's."""
