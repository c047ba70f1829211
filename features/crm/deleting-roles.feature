# Source: docs/sources/uniconnect-role-management.txt, "Deleting Role".
Feature: Deleting a role
  "Existing role cannot be deleted, without transferring the users to a new role."

  Background:
    Given the policy set "crm"

  Scenario: A role cannot be deleted while users still hold it
    When the role "Support Agent" is deleted without moving its users
    Then the change is rejected because "role `support-agent` was removed, but the lockfile shows it existed: its users need a role to transfer to; it is still referenced once"
    And "ivan" can "Manage Conversations"

  Scenario: A role cannot be deleted without naming the role its users transfer to
    Even when nobody holds the role any more, stored data may still name it: the deletion must
    say where its users went.

    When "ivan" is assigned the role "User"
    And the role "Support Agent" is deleted without moving its users
    Then the change is rejected because "its users need a role to transfer to"

  Scenario: Deleting a role transfers its users to another role
    When the role "Support Agent" is deleted and its users move to "User"
    Then "ivan" has the role "User"
    And the deleted role "Support Agent" transfers its users to "User"
    And "ivan" cannot "Manage Conversations"
    And "ivan" can do everything the role "User" can
    And "alice" can "Make Outbound Calls"

  Scenario: A role other roles build on cannot simply be deleted
    When the role "Sales Agent" is deleted and its users move to "User"
    Then the change is rejected because "sales-agent"
