# Source: docs/sources/unifyapps-roles.txt, "Explanation of each type of permissions" and its
# "Special condition" column. An implied action a resource does not have is skipped.
Feature: Permission types and the actions they auto-enable
  View: only view. Edit: "When selected, it auto enables: View". Delete: nothing. Create: "auto
  enables: View, Edit, Use". Use: "auto enables: View". Share: "auto enables: View".

  Background:
    Given the policy set "platform"

  Scenario: Edit auto-enables View
    When a role "probe" titled "Probe" is created with these permissions:
      | permission           |
      | Edit Template Library |
    Then the role "Probe" has exactly these permissions:
      | permission            |
      | Edit Template Library |
      | View Template Library |

  Scenario: Create auto-enables View, Edit and Use on a resource that has all three
    When a role "probe" titled "Probe" is created with these permissions:
      | permission    |
      | Create Agents |
    Then the role "Probe" has exactly these permissions:
      | permission    |
      | Create Agents |
      | View Agents   |
      | Edit Agents   |
      | Use Agents    |

  Scenario: Create auto-enables only View and Edit on a resource without Use
    When a role "probe" titled "Probe" is created with these permissions:
      | permission      |
      | Create Projects |
    Then the role "Probe" has exactly these permissions:
      | permission      |
      | Create Projects |
      | View Projects   |
      | Edit Projects   |

  Scenario: Create auto-enables only View on a resource without Edit and Use
    When a role "probe" titled "Probe" is created with these permissions:
      | permission       |
      | Create Pipelines |
    Then the role "Probe" has exactly these permissions:
      | permission       |
      | Create Pipelines |
      | View Pipelines   |

  Scenario: Use auto-enables View
    When a role "probe" titled "Probe" is created with these permissions:
      | permission |
      | Use Agents |
    Then the role "Probe" has exactly these permissions:
      | permission  |
      | Use Agents  |
      | View Agents |

  Scenario: Share auto-enables View
    When a role "probe" titled "Probe" is created with these permissions:
      | permission        |
      | Share Automations |
    Then the role "Probe" has exactly these permissions:
      | permission        |
      | Share Automations |
      | View Automations  |

  Scenario: Delete and View auto-enable nothing
    When a role "probe" titled "Probe" is created with these permissions:
      | permission    |
      | Delete Agents |
      | View Streams  |
    Then the role "Probe" has exactly these permissions:
      | permission    |
      | Delete Agents |
      | View Streams  |

  Scenario: Actions of a single resource auto-enable nothing
    When a role "probe" titled "Probe" is created with these permissions:
      | permission                 |
      | Deploy & Pause Automations |
      | Read Environment Variables |
      | Switch Tenant Tenants      |
    Then the role "Probe" has exactly these permissions:
      | permission                 |
      | Deploy & Pause Automations |
      | Read Environment Variables |
      | Switch Tenant Tenants      |

  Scenario: A role granted Create can view, edit and use what it creates
    Then the role "Automation Builder" can "View" "Agents"
    And the role "Automation Builder" can "Edit" "Agents"
    And the role "Automation Builder" can "Use" "Agents"
    But the role "Automation Builder" cannot "Delete" "Agents"
    And the role "Automation Builder" can "View" "Pipelines"
    And the role "Workspace Lead" can "Edit" "Projects"
    And "elena.rossi@acme.example" can "Edit Environment Variables"
    But "elena.rossi@acme.example" cannot "Read Environment Variables"
