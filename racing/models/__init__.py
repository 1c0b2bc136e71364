from racing.models.organizations import Invitation, Membership, Organization

__all__ = ["Invitation", "Membership", "Organization"]
